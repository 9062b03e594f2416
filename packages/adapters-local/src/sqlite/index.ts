export { GroupCommit } from './group-commit';
export { limitClause } from './limit-clause';
export { StatementCache } from './statement-cache';
