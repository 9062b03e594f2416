import { describe, expect, it } from 'vitest';
import { scenarioFromArgs } from './scenario';

describe('chaos scenario from the command line', () => {
  it('runs two regions unless --regions names others', () => {
    expect(scenarioFromArgs([]).regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(scenarioFromArgs(['--regions', 'us-east-1, eu-west-1,ap-southeast-2']).regions).toEqual([
      'us-east-1',
      'eu-west-1',
      'ap-southeast-2',
    ]);
  });

  it.each([
    ['us-east-1', /two to five/],
    ['us-east-1,us-east-1', /named twice/],
    ['us-east-1,mars', /"mars" do not look like us-east-1/],
    ['us-east-1,,eu-west-1', /"" do not look like/],
    ['us-east-1,us-east-2,us-west-1,us-west-2,eu-west-1,eu-west-2', /expected two to five regions, got 6/],
  ])('refuses --regions %s', (regions, message) => {
    expect(() => scenarioFromArgs(['--regions', regions])).toThrow(message);
  });

  it('bounds the load whatever is asked for', () => {
    expect(() => scenarioFromArgs(['--rate', '500'])).toThrow(/1 to 40/);
    expect(scenarioFromArgs(['--rate', '40', '--clients', '32'])).toMatchObject({
      ordersPerSecond: 40,
      clients: 32,
    });
  });
});
