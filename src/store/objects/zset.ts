// Placeholder: the zset structure (issue 5).
export {};
