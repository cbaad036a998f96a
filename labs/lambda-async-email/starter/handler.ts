import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';

// Created once per execution environment, outside the handler, and reused by warm invocations.
const ses = new SESClient({});

interface WelcomeEvent {
  email?: string;
  name?: string;
}

export const handler = async (event: WelcomeEvent) => {
  // TODO: without event.email, throw an Error (the event then goes to the on-failure destination).
  // TODO: send from welcome@example.com to event.email a message with the subject `Welcome, ${name}!`
  //       (SendEmailCommand: Source, Destination.ToAddresses, Message.Subject.Data, Message.Body.Text.Data).
  void ses;
  void SendEmailCommand;
  return { sent: false };
};
