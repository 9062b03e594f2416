import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ParameterSeed } from '../constructs/remote-parameter';
import { PARAMETERS, WEB_ORIGIN_PLACEHOLDER } from '../naming';
import { KeysStack } from '../stacks/keys-stack';

export interface FoundationStageProps extends StageProps {
  /**
   * In the primary region when no domain is configured: the storefront's origin parameter, which the
   * Data stack's web client reads, must exist before the global stage writes the real one.
   */
  readonly seedWebOrigin?: { readonly account: string; readonly region: string };
}

/** What every region needs before any region stage runs: its data key (see KeysStack). */
export class FoundationStage extends Stage {
  readonly keys: KeysStack;

  constructor(scope: Construct, id: string, props: FoundationStageProps) {
    super(scope, id, props);
    this.keys = new KeysStack(this, 'Keys', { description: 'Meridian data key of this region' });
    if (props.seedWebOrigin) {
      new ParameterSeed(this.keys, 'WebOriginSeed', {
        ...props.seedWebOrigin,
        name: PARAMETERS.webOrigin,
        value: WEB_ORIGIN_PLACEHOLDER,
      });
    }
  }
}
