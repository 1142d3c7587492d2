import { useEffect, useState } from 'react';
import { json } from 'xstate-websocket';
import { useConnection, useConnectionStatus } from 'xstate-websocket/react';

type Chat = { type: 'chat'; text: string };
const codec = json<Chat, Chat>(); // outside the component: functions are compared by identity

export function ChatRoom({ url }: { url: string }) {
  const conn = useConnection({ url, codec }); // one connection while mounted; a new url reconnects
  const status = useConnectionStatus(conn); // re-renders on status changes only
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => conn.on('message', (msg) => setLines((all) => [...all, msg.text])), [conn]);
  return (
    <section>
      <p>status: {status}</p>
      <button onClick={() => conn.send({ type: 'chat', text: 'hi' })}>send</button>
      <ul>{lines.map((line, i) => <li key={i}>{line}</li>)}</ul>
    </section>
  );
}
