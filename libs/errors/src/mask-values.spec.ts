import { maskValues } from './mask-values';

const parseError = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} parsed`);
};

describe('maskValues', () => {
  it('masks the text JSON.parse quotes from the body it could not read, and keeps what went wrong', () => {
    const message = parseError('Amara Okafor, born 1990-04-12');
    expect(message).toContain('Amara');
    expect(maskValues(message)).toBe(`Unexpected token 'A', "…"... is not valid JSON`);
  });

  it("masks PostgreSQL's quoted value, however many quotes it holds", () => {
    expect(maskValues('invalid input syntax for type uuid: "Amara "the boatman" Okafor"')).toBe('invalid input syntax for type uuid: "…"');
    expect(maskValues('invalid input value for enum role: `organiser`')).toBe('invalid input value for enum role: "…"');
  });

  it('masks phone and document numbers and dates, and keeps addresses, ports and positions', () => {
    expect(maskValues('no match for +39 333 1234567, YA1234567 or 1990-04-12')).toBe('no match for …, YA… or …');
    expect(maskValues('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(maskValues("Expected ',' or '}' after property value in JSON at position 56")).toBe(
      "Expected ',' or '}' after property value in JSON at position 56",
    );
  });
});
