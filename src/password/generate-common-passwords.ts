import { writeFileSync } from 'node:fs';
import { COMMON_PASSWORDS_FILE, renderCommonPasswords } from './common-passwords';

/** Writes the bundled list of common passwords; run by `npm run passwords:generate`. */
writeFileSync(COMMON_PASSWORDS_FILE, renderCommonPasswords());
process.stdout.write(`wrote ${COMMON_PASSWORDS_FILE}\n`);
