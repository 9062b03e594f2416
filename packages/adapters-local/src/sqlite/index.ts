export { GroupCommit } from './group-commit';
export { StatementCache } from './statement-cache';
