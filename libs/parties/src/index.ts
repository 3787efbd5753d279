export * from './parties-file';
export * from './party-directory';
