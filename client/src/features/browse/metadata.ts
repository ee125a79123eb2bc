/** An import line's metadata as "key: value" pairs to show: strings as they are, anything else as JSON, values past `max` characters cut short. */
export const metadataPairs = (metadata: Record<string, unknown>, max = 60): Array<[string, string]> =>
  Object.entries(metadata).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return [key, text.length > max ? `${text.slice(0, max)}…` : text];
  });
