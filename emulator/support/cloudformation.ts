/**
 * Just enough of CloudFormation to read Meridian's synthesized templates the way a deployment would:
 * resources by type, and the intrinsic functions CDK emits for the properties the suite uses (Ref,
 * Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Fn::ImportValue). Anything else throws, so a
 * template change the suite does not understand fails loudly instead of being half-emulated.
 */

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
}

export function resourcesOfType(
  template: Template,
  type: string,
): Array<{ logicalId: string; properties: Record<string, unknown> }> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, properties: resource.Properties ?? {} }));
}

export function onlyResourceOfType(
  template: Template,
  type: string,
): { logicalId: string; properties: Record<string, unknown> } {
  const found = resourcesOfType(template, type);
  const [first] = found;
  if (found.length !== 1 || !first) throw new Error(`expected one ${type}, found ${found.length}`);
  return first;
}

/** What deployed resources are called: physical ids (Ref) and attributes (Fn::GetAtt), per logical id. */
export class DeployedNames {
  private readonly refs = new Map<string, string>();
  private readonly attributes = new Map<string, string>();
  private readonly exports = new Map<string, unknown>();

  constructor(private readonly pseudo: { region: string; account: string }) {}

  set(logicalId: string, ref: string, attributes: Record<string, string> = {}): void {
    this.refs.set(logicalId, ref);
    for (const [name, value] of Object.entries(attributes))
      this.attributes.set(`${logicalId}.${name}`, value);
  }

  /** Registers a template's exports (their values resolved now), for Fn::ImportValue in later stacks. */
  addExports(template: Template): void {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export) this.exports.set(output.Export.Name, this.resolve(output.Value));
    }
  }

  ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.pseudo.region,
      'AWS::AccountId': this.pseudo.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const value = pseudo[logicalId] ?? this.refs.get(logicalId);
    if (value === undefined) throw new Error(`Ref ${logicalId}: not deployed in the emulator`);
    return value;
  }

  /** The property with every intrinsic function replaced by its value. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = argument as [string, string];
        const value = this.attributes.get(`${logicalId}.${attribute}`);
        if (value === undefined) throw new Error(`Fn::GetAtt ${logicalId}.${attribute}: not deployed`);
        return value;
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => this.resolveString(part)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number, unknown];
        const items = this.resolve(list) as unknown[];
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = argument as [string, unknown];
        return this.resolveString(text).split(separator);
      }
      case 'Fn::ImportValue': {
        const exportName = this.resolveString(argument);
        if (!this.exports.has(exportName)) throw new Error(`Fn::ImportValue ${exportName}: no such export`);
        return this.exports.get(exportName);
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = (typeof argument === 'string' ? [argument] : argument) as [
          string,
          Record<string, unknown>?,
        ];
        return text.replace(/\$\{([^}]+)\}/g, (_match, key: string) => {
          if (key in variables) return this.resolveString(variables[key]);
          if (key.includes('.')) {
            const [logicalId, attribute] = key.split('.') as [string, string];
            return this.resolveString({ 'Fn::GetAtt': [logicalId, attribute] });
          }
          return this.ref(key);
        });
      }
      default:
        throw new Error(`${name} is not emulated`);
    }
  }
}
