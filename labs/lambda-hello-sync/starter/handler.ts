// The function's code. Lambda calls `handler` with the event you send when you invoke it.

interface HelloEvent {
  name?: string;
}

export const handler = async (event: HelloEvent) => {
  // TODO: answer { message: "Hello, <name>!" }, or "Hello, world!" when the event has no name.
  return { message: 'TODO' };
};
