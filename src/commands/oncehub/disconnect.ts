import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';

import { errorCodesHelp } from '../../lib/cli/exit-codes.js';
import { environmentFromFlags } from '../../lib/cli/org-flags.js';
import {
  type ConnectionRecord,
  type Environment,
  forgetConnection,
  readConnections,
  recordedEnvironments,
} from '../../lib/connection/state.js';
import { environmentFlags } from '../../lib/flags.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.disconnect');

export type DisconnectResult = {
  /** The environment whose record was looked at; null when nothing was recorded and no flag chose one. */
  environment: Environment | null;
  forgotten: ConnectionRecord | null;
};

export default class Disconnect extends SfCommand<DisconnectResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1]);

  public static readonly flags = environmentFlags(messages);

  public async run(): Promise<DisconnectResult> {
    handleInterrupts();
    const { flags } = await this.parse(Disconnect);
    const asked = environmentFromFlags(flags);
    const recorded = recordedEnvironments(await readConnections());
    if (!asked && recorded.length > 1) throw messages.createError('error.chooseEnvironment');

    const environment = asked ?? recorded[0];
    const forgotten = environment ? await forgetConnection(environment) : undefined;
    const result = { environment: environment ?? null, forgotten: forgotten ?? null };
    if (!this.jsonEnabled()) this.print(result);
    return result;
  }

  private print({ environment, forgotten }: DisconnectResult): void {
    if (forgotten) {
      this.logSuccess(messages.getMessage('info.forgotten', [forgotten.environment, forgotten.username, forgotten.orgId]));
    } else {
      this.log(environment ? messages.getMessage('info.notRecorded', [environment]) : messages.getMessage('info.nothingRecorded'));
    }
  }
}
