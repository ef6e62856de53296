// Placeholder: the set structure (issue 5).
export {};
