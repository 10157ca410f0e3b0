import { Command, InvalidArgumentError } from 'commander';
import { startEmbeddedAws } from '../local/embedded-aws.ts';
import { LocalRuntimeError } from '../local/errors.ts';

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a port number between 0 and 65535');
  }
  return port;
}

async function dev(options: {
  dynamoPort?: number;
  s3Port?: number;
  dataDir: string;
}): Promise<void> {
  const aws = await startEmbeddedAws({
    dynamoPort: options.dynamoPort,
    s3Port: options.s3Port,
    dataDir: options.dataDir,
  });
  console.log('feedpub: embedded AWS is up');
  console.log(`  DynamoDB Local  ${aws.endpoints.dynamodb}  table ${aws.names.table}`);
  console.log(
    `  S3 (s3rver)     ${aws.endpoints.s3}  buckets ${aws.names.inboxBucket}, ${aws.names.siteBucket}`,
  );
  console.log('Press Ctrl-C to stop.');
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('feedpub').description(
    'Serverless news-feed publisher: articles in, RSS 2.0, Atom 1.0 and JSON Feed 1.1 out.',
  );
  program
    .command('dev', { isDefault: true })
    .description('run the whole pipeline on this machine (DynamoDB Local + s3rver)')
    .option('--dynamo-port <port>', 'DynamoDB Local port (default: a free port)', portOption)
    .option('--s3-port <port>', 's3rver port (default: a free port)', portOption)
    .option('--data-dir <dir>', 'where state is kept between runs', '.feedpub')
    .action(dev);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof LocalRuntimeError) {
      console.error(`feedpub: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
