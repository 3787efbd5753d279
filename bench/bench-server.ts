/**
 * The embedded exchange plus two bench-only routes: POST /bench/bare, the same
 * Fastify + Nest stack, JSON parsing and API-key guard but no validation, no
 * decision and no store (the framework's ceiling); and POST /bench/fastify,
 * registered on Fastify itself with the same JSON parsing and nothing else
 * (the HTTP server's ceiling, without Nest).
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { CallerParty, createHttpApp, createJsonLog, loadConfig, startGrpcServer } from '@cmx/platform';
import { ExchangeModule } from '../apps/exchange/src/exchange.module';

@Controller('bench')
class BareRouteController {
  @Post('bare')
  @HttpCode(201)
  bare(@Body() body: { header?: { messageId?: string } }, @CallerParty() party: string) {
    return { messageId: body?.header?.messageId, party };
  }
}

@Module({ controllers: [BareRouteController] })
class BareRouteModule {}

async function main() {
  const config = loadConfig();
  const app = await createHttpApp(
    {
      module: class BenchServerModule {},
      imports: [ExchangeModule.forRoot(config, config.background), BareRouteModule],
    },
    createJsonLog('bench-server', process.env.LOG_LEVEL ? config.logLevel : 'warn'),
  );
  app
    .getHttpAdapter()
    .getInstance()
    .post('/bench/fastify', async (request, reply) => {
      const body = request.body as { header?: { messageId?: string } };
      reply.code(201);
      return { messageId: body?.header?.messageId, party: request.headers.authorization?.length };
    });
  await startGrpcServer(app, config.host, config.grpcPort);
  await app.listen(config.port, config.host);
  process.once('SIGUSR2', () => process.exit(0));
  process.stdout.write(`listening ${config.port}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
