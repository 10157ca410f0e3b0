import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { JavaMissingError, PortInUseError } from '../../shared/local/errors.ts';
import { assertPortFree, freePort } from '../../shared/local/tcp-ports.ts';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('embedded AWS start-up failures', () => {
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
  });

  it('names a taken port and leaves nothing running', async () => {
    const port = await freePort();
    const blocker = await occupy(port);
    const s3Port = await freePort();
    try {
      const start = startEmbeddedAws({ dynamoPort: port, s3Port, handleSignals: false });
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(`Port ${port} (DynamoDB Local) is already in use`);
    } finally {
      blocker.close();
    }
    await expect(assertPortFree(s3Port, 's3rver')).resolves.toBeUndefined();
  });

  it('names a taken S3 port (the thread that serves it does not die unheard) and starts no Java', async () => {
    const s3Port = await freePort();
    const blocker = await occupy(s3Port);
    process.env.PATH = '/nonexistent';
    try {
      const start = startEmbeddedAws({ s3Port, handleSignals: false });
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(`Port ${s3Port} (s3rver) is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('says Java is missing and how to install it, and closes s3rver again', async () => {
    const s3Port = await freePort();
    process.env.PATH = '/nonexistent';
    const start = startEmbeddedAws({ s3Port, handleSignals: false });
    await expect(start).rejects.toBeInstanceOf(JavaMissingError);
    await expect(start).rejects.toThrow(/apt-get install -y default-jre-headless/);
    await expect(assertPortFree(s3Port, 's3rver')).resolves.toBeUndefined();
  });
});
