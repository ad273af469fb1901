import { DateTimeScalar } from '../src/resolvers/scalars';

describe('DateTime', () => {
  it('when a Date is answered, then the result is its ISO-8601 UTC string (no Date object left for JSON to convert)', () => {
    const out = DateTimeScalar.serialize(new Date(Date.UTC(2025, 4, 1, 12, 0, 0)));
    expect(out).toBe('2025-05-01T12:00:00.000Z');
  });

  it('when an invalid Date is answered, then serialization fails instead of printing "Invalid Date"', () => {
    expect(() => DateTimeScalar.serialize(new Date(NaN))).toThrow(/invalid Date/);
  });

  it('when an ISO string is answered, then the same instant comes out in UTC', () => {
    expect(DateTimeScalar.serialize('2025-05-01T14:00:00+02:00')).toBe('2025-05-01T12:00:00.000Z');
  });
});
