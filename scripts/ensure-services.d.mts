export declare const PG_HOW_TO_START: string;
export declare function pgReady(): boolean;
export declare function ensureServices(): void;
