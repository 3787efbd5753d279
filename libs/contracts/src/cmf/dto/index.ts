export * from './bodies.dto';
export * from './case-items.dto';
export * from './case-report.dto';
export * from './header.dto';
export * from './message.dto';
