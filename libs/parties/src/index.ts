export * from './parties-file';
export * from './party-directory';
export * from './membership-events';
