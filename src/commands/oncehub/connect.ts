import { Messages } from '@salesforce/core';
import { Flags, SfCommand, StandardColors } from '@salesforce/sf-plugins-core';
import { loggedInTarget, orgFlagError, setExitCode } from '../../lib/cli/command.js';
import { errorCodesHelp } from '../../lib/cli/exit-codes.js';
import { environmentFromFlags } from '../../lib/cli/org-flags.js';
import { checksTable } from '../../lib/cli/table.js';
import { connect, type ConnectOutcome, type ConnectResult, retryCommand } from '../../lib/connection/connect.js';
import { apiUserFlag, environmentFlags, modeFlagDefaultStandard, targetOrgFlag } from '../../lib/flags.js';
import { handleInterrupts } from '../../lib/cli/interrupt.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oncehub', 'oncehub.connect');

export type { ConnectResult } from '../../lib/connection/connect.js';

export default class Connect extends SfCommand<ConnectResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = errorCodesHelp(messages, [0, 1]);

  public static readonly flags = {
    'target-org': targetOrgFlag(),
    'api-version': Flags.orgApiVersion(),
    ...environmentFlags(messages, true),
    'api-user': apiUserFlag(messages),
    mode: modeFlagDefaultStandard(),
  };

  public async run(): Promise<ConnectResult> {
    handleInterrupts();
    const { flags, raw } = await this.parse(Connect).catch(orgFlagError);
    const { conn, target } = await loggedInTarget(flags, raw);

    this.spinner.start(messages.getMessage('info.checking', [target.username]));
    const outcome = await connect(conn, target, {
      mode: flags.mode,
      environment: environmentFromFlags(flags),
      apiUser: flags['api-user'],
    });
    this.spinner.stop();

    if (!this.jsonEnabled()) this.print(outcome);
    setExitCode({ failed: outcome.result.connectedAt ? 0 : 1 });
    return outcome.result;
  }

  private print({ result, orgName, replaced }: ConnectOutcome): void {
    const org = orgName ? `${orgName} (${result.orgId})` : result.orgId;
    this.log(messages.getMessage('info.org', [org, result.environment]));
    this.log(messages.getMessage('info.user', [result.username, result.mode]));
    this.log();
    this.table(checksTable(result.checks));
    if (result.connectedAt) {
      this.logSuccess(messages.getMessage('info.connected', [result.username, result.environment]));
      if (replaced) this.log(messages.getMessage('info.replaced', [replaced.environment, replaced.username, replaced.orgId]));
    } else {
      this.log(StandardColors.error(messages.getMessage('info.notConnected', [retryCommand(result)])));
    }
  }
}
