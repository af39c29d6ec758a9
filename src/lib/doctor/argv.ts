/**
 * `--result-format json` means the same as `--json`. SfCommand decides whether output is JSON before the flags are
 * parsed (from argv), so the command asks this helper, which reads the flag's value straight from argv.
 */
export function resultFormatInArgv(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const tokens = end === -1 ? argv : argv.slice(0, end);
  let format: string | undefined;
  tokens.forEach((token, i) => {
    if (token === '--result-format' || token === '-r') format = tokens[i + 1];
    else if (token.startsWith('--result-format=')) format = token.slice('--result-format='.length);
    else if (/^-r=?[a-z]/.test(token)) format = token.replace(/^-r=?/, '');
  });
  return format;
}
