// Placeholder: the list structure (issue 5).
export {};
