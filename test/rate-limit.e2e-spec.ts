import { ExchangeClient } from './support/exchange-client';
import { InProcessExchange, startInProcessExchange } from './support/in-process-exchange';
import { newCaseId } from './support/messages';

describe('RATE_LIMIT_PER_SECOND', () => {
  let exchange: InProcessExchange;
  beforeAll(async () => (exchange = await startInProcessExchange({ RATE_LIMIT_PER_SECOND: '5' })));
  afterAll(() => exchange.close());

  it('answers 429 once a party has used its second’s worth, and leaves other parties alone', async () => {
    const italy = new ExchangeClient(exchange.baseUrl, 'NCB-IT');
    const answers = await Promise.all(Array.from({ length: 12 }, () => italy.timeline(newCaseId())));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(limited[0].body.error).toBe('rate_limited');
    expect((await new ExchangeClient(exchange.baseUrl, 'NCB-GR').timeline(newCaseId())).status).toBe(404);
  });
});
