interface HelloEvent {
  name?: string;
}

export const handler = async (event: HelloEvent) => {
  const name = typeof event?.name === 'string' && event.name.trim() ? event.name.trim() : 'world';
  return { message: `Hello, ${name}!` };
};
