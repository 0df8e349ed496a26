import { v7 } from "uuid";

/** Time-sortable unique ids (uuid v7), like the engine's. */
export const newId = (): string => v7();
