"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Announces to screen readers that the client was archived or restored. The buttons that did it are replaced as the
 * page re-renders with the new status, taking their own status message with them; this region stays, and speaks
 * only when the status changes while the page is open.
 */
export function ClientStatusAnnouncer({ status, messages }: { status: string; messages: { archived: string; restored: string } }) {
  const previous = useRef(status);
  const [text, setText] = useState("");
  useEffect(() => {
    if (previous.current === status) return;
    previous.current = status;
    setText(status === "archived" ? messages.archived : messages.restored);
  }, [status, messages.archived, messages.restored]);
  return (
    <p role="status" className="sr-only">
      {text}
    </p>
  );
}
