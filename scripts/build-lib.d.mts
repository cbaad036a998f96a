export declare const LIB_DIRS: string[];
export declare function sourceFiles(): string[];
export declare function buildLib(options?: { quiet?: boolean }): Promise<void>;
