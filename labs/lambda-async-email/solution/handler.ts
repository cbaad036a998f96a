import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';

const ses = new SESClient({});

interface WelcomeEvent {
  email?: string;
  name?: string;
}

export const handler = async (event: WelcomeEvent) => {
  if (!event?.email) throw new Error('The event has no email address to welcome.');
  const name = event.name?.trim() || 'friend';
  const res = await ses.send(
    new SendEmailCommand({
      Source: 'welcome@example.com',
      Destination: { ToAddresses: [event.email] },
      Message: {
        Subject: { Data: `Welcome, ${name}!` },
        Body: { Text: { Data: `Hello ${name},\n\nThanks for signing up.\n` } },
      },
    }),
  );
  return { sent: true, messageId: res.MessageId };
};
