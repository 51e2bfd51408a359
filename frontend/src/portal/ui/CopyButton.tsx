import { useState } from 'react';

import { Button } from './Button';

/** Copies a link to the clipboard and says so; the text stays selectable beside it. */
export function CopyButton({ text, label = 'Copy link' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button onClick={() => void copy()} aria-live="polite">
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** A link with its copy button, e.g. a payment request's URL. */
export function LinkBox({ url }: { url: string }) {
  return (
    <div className="link-box">
      <input readOnly value={url} aria-label="Link" onFocus={(event) => event.currentTarget.select()} />
      <CopyButton text={url} />
    </div>
  );
}
