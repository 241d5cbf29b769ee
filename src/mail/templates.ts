/** A rendered email: the same message as plain text and as HTML. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const formatTime = (date: Date): string =>
  `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function layout(paragraphs: string[], link: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const href = escapeHtml(link.href);

  return `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
${body}
<p><a href="${href}">${escapeHtml(link.label)}</a></p>
<p style="color:#666;font-size:smaller">If the button does not work, open ${href}</p>
</body></html>`;
}

export function invitationMail(input: {
  tenantName: string;
  inviterEmail: string | null;
  link: string;
  expiresAt: Date;
}): RenderedMail {
  const who = input.inviterEmail ? `${input.inviterEmail} invited you` : 'You are invited';
  const lines = [
    `${who} to join ${input.tenantName}.`,
    `The invitation expires on ${formatTime(input.expiresAt)}.`,
  ];

  return {
    subject: `You are invited to ${input.tenantName}`,
    text: `${lines.join('\n\n')}\n\nAccept it here: ${input.link}\n`,
    html: layout(lines, { href: input.link, label: 'Accept the invitation' }),
  };
}

export function passwordResetMail(input: {
  tenantName: string;
  link: string;
  expiresAt: Date;
}): RenderedMail {
  const lines = [
    `A password reset was requested for your ${input.tenantName} account.`,
    `The link works once and expires on ${formatTime(input.expiresAt)}.`,
    'If you did not ask for this, ignore this message; your password stays the same.',
  ];

  return {
    subject: `Reset your ${input.tenantName} password`,
    text: `${lines.join('\n\n')}\n\nChoose a new password: ${input.link}\n`,
    html: layout(lines, { href: input.link, label: 'Choose a new password' }),
  };
}

export function passwordChangedMail(input: {
  tenantName: string;
  changedAt: Date;
  /** Where to ask for a new reset link, for an owner who did not make this change. */
  resetLink: string;
}): RenderedMail {
  const lines = [
    `Your ${input.tenantName} password was changed on ${formatTime(input.changedAt)}.`,
    'Every session and personal access token you had was signed out; sign in again with the ' +
      'new password.',
    'If you did not change it, reset it again at once and tell your administrator.',
  ];

  return {
    subject: `Your ${input.tenantName} password was changed`,
    text: `${lines.join('\n\n')}\n\nReset your password: ${input.resetLink}\n`,
    html: layout(lines, { href: input.resetLink, label: 'Reset your password' }),
  };
}
