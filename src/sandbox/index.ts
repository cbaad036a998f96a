/** The sandbox server: the course site, the lab API and the page's terminals on one loopback port. */
export { startSandbox, terminalEnv, TERMINAL_PATH, type SandboxOptions, type RunningSandbox } from './server.js';
export { ensureSiteBuild, siteFingerprint, siteIsFresh, readStamp, runDocusaurus, SITE_DIR, SITE_INPUTS } from './site.js';
export { TOKEN_HEADER, TERMINAL_PROTOCOL, isLoopback, makeGuard } from './security.js';
export { prepareAwsCli, wrapperScript } from './awsCli.js';
