/** MQTT topic filter matching (`+` one level, `#` the rest), as the broker applies it. */
export function topicMatches(filter: string, topic: string): boolean {
  const filterLevels = filter.split('/');
  const topicLevels = topic.split('/');
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === '#') return !(i === 0 && topic.startsWith('$'));
    if (i >= topicLevels.length) return false;
    if (level === '+') {
      if (i === 0 && topic.startsWith('$')) return false;
      continue;
    }
    if (level !== topicLevels[i]) return false;
  }

  return filterLevels.length === topicLevels.length;
}
