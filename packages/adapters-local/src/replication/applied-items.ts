import type { RecordImage } from '@meridian/domain';
import type { ApplyResult } from './change-applier';

/** The items a batch of a peer's changes wrote here, their JSON images decoded for the domain's readers. */
export function appliedItems(result: ApplyResult): RecordImage[] {
  return result.applied.map((change) => ({
    pk: change.pk,
    sk: change.sk,
    data: JSON.parse(change.data) as Record<string, unknown>,
  }));
}
