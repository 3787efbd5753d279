/** What the domain needs to know of parties, operations and task forces at the moment a message is accepted. */
export interface ExchangeDirectory {
  hasParty(code: string): boolean;
  allPartyCodes(): readonly string[];
  operationMembers(operationId: string): readonly string[] | undefined;
  taskForceMembers(taskForceId: string): readonly string[] | undefined;
}
