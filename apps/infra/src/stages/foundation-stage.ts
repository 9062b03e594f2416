import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { KeysStack } from '../stacks/keys-stack';

/** What every region needs before any region stage runs: its data key (see KeysStack). */
export class FoundationStage extends Stage {
  readonly keys: KeysStack;

  constructor(scope: Construct, id: string, props: StageProps) {
    super(scope, id, props);
    this.keys = new KeysStack(this, 'Keys', { description: 'Meridian data key of this region' });
  }
}
