/** The seattle stack's resource graph and exports under mocks, against the committed snapshot. */
import { snapshotProgram } from "./program";

snapshotProgram("seattle");
