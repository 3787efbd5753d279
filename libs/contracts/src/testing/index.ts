export * from './cmf-fixtures';
