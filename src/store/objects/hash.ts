// Placeholder: the hash structure (issue 5).
export {};
