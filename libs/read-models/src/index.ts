export * from './sql-database.port';
export * from './read-model-tables';
export * from './sqlite-sql-database';
export * from './postgres-sql-database';
export * from './projections/case-summary';
export * from './projections/board';
