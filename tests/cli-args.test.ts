/** The option parsers every CLI shares (src/cli/args.ts). */
import { InvalidArgumentError } from 'commander';
import { positiveInt, positiveNumber, share, wholeNumber } from '../src/cli/args';

describe('CLI option parsers', () => {
  it('when a whole number has digit separators, then it is read as one number', () => {
    expect(positiveInt('100_000')).toBe(100000);
  });

  it('when a whole number is 0, fractional or above its maximum, then the message names the allowed range', () => {
    expect(() => positiveInt('0')).toThrow(new InvalidArgumentError('must be a positive whole number'));
    expect(() => positiveInt('1.5')).toThrow(InvalidArgumentError);
    expect(() => wholeNumber(65536)('70000')).toThrow('must be a whole number from 1 to 65,536');
    expect(wholeNumber(65536)('65536')).toBe(65536);
  });

  it('when a positive number is 0 or not a number, then it is refused', () => {
    expect(positiveNumber('0.25')).toBe(0.25);
    expect(() => positiveNumber('0')).toThrow('must be a positive number');
    expect(() => positiveNumber('abc')).toThrow('must be a positive number');
  });

  it('when a share is outside 0–1, then it is refused', () => {
    expect([share('0'), share('1'), share('0.2')]).toEqual([0, 1, 0.2]);
    expect(() => share('1.01')).toThrow('must be a number from 0 to 1');
  });
});
