export { main } from './main.js';
export { Pipeline } from './pipeline.js';
export { CLI_ERRORS, CliError } from './errors.js';
