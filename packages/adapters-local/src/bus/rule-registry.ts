import type { DeliveryTarget } from './delivery-store';
import { BusConfigurationError } from './errors';
import { type CompiledEventPattern, compileEventPattern } from './event-pattern';
import type { BusRule, BusTarget } from './types';

export interface RegisteredRule {
  readonly name: string;
  readonly pattern: CompiledEventPattern;
  readonly targets: ReadonlyMap<string, BusTarget>;
}

/** The rules of one bus, validated and compiled when registered (like infrastructure as code). */
export class RuleRegistry {
  private readonly rules = new Map<string, RegisteredRule>();

  add(rule: BusRule): void {
    if (typeof rule.name !== 'string' || rule.name.length === 0) {
      throw new BusConfigurationError('a rule needs a non-empty name');
    }
    if (this.rules.has(rule.name))
      throw new BusConfigurationError(`a rule named '${rule.name}' already exists`);
    const pattern = compileEventPattern(rule.eventPattern);
    const targets = new Map<string, BusTarget>();
    for (const target of rule.targets) {
      if (typeof target.id !== 'string' || target.id.length === 0 || typeof target.invoke !== 'function') {
        throw new BusConfigurationError(
          `rule '${rule.name}' has a target without an id or an invoke function`,
        );
      }
      if (targets.has(target.id)) {
        throw new BusConfigurationError(`rule '${rule.name}' has two targets with id '${target.id}'`);
      }
      targets.set(target.id, target);
    }
    this.rules.set(rule.name, { name: rule.name, pattern, targets });
  }

  target(ruleName: string, targetId: string): BusTarget | undefined {
    return this.rules.get(ruleName)?.targets.get(targetId);
  }

  /** The named rules (every rule when no names are given); an unknown name is an error, not a no-op. */
  select(names?: readonly string[]): RegisteredRule[] {
    if (names === undefined) return [...this.rules.values()];
    return names.map((name) => {
      const rule = this.rules.get(name);
      if (rule === undefined) throw new BusConfigurationError(`no rule named '${name}' on this bus`);
      return rule;
    });
  }

  /** One (rule, target) pair per target of every rule whose pattern matches the event. */
  static targetsMatching(rules: readonly RegisteredRule[], event: unknown): DeliveryTarget[] {
    const matched: DeliveryTarget[] = [];
    for (const rule of rules) {
      if (!rule.pattern.matches(event)) continue;
      for (const targetId of rule.targets.keys()) matched.push({ ruleName: rule.name, targetId });
    }
    return matched;
  }
}
