import { createServer } from 'node:net';
import { InvalidEnvironmentError } from '../config';
import { assertPortAvailable, describeStartupFailure, StartupError } from './start-up';

describe('assertPortAvailable', () => {
  it('says which port is in use and what to set', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      await expect(assertPortAvailable({ port, host: '127.0.0.1' })).rejects.toThrow(
        new StartupError(
          `port ${port} is in use — set PORT to a free port (or stop what listens on ${port})`,
        ),
      );
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    // Free again: passes, and leaves nothing listening.
    await expect(assertPortAvailable({ port, host: '127.0.0.1' })).resolves.toBeUndefined();
    await expect(assertPortAvailable({ port, host: '127.0.0.1' })).resolves.toBeUndefined();
  });

  it('reads PORT and HOST from the environment, and port 0 always passes', async () => {
    await expect(assertPortAvailable(undefined, { PORT: '0', HOST: '127.0.0.1' })).resolves.toBeUndefined();
  });
});

describe('describeStartupFailure', () => {
  it('gives the message alone for errors that explain themselves', () => {
    expect(describeStartupFailure(new StartupError('port 3000 is in use — set PORT'))).toEqual({
      message: 'port 3000 is in use — set PORT',
    });
    expect(describeStartupFailure(new InvalidEnvironmentError(['PORT: too big (got 70000)']))).toEqual({
      message: 'Invalid configuration:\n  - PORT: too big (got 70000)',
    });
    const locked = Object.assign(new Error('DATA_DIR ./data is in use by another CourseHub platform'), {
      name: 'DataDirLockedError',
    });
    expect(describeStartupFailure(locked).stack).toBeUndefined();
  });

  it('keeps the stack of an unexpected error', () => {
    const error = new TypeError('x is not a function');
    expect(describeStartupFailure(error)).toEqual({ message: 'x is not a function', stack: error.stack });
    expect(describeStartupFailure('plain')).toEqual({ message: 'plain' });
  });
});
