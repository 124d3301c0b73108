/** The stages a bundle passes through, in order. */
export const STAGES = ['s101', 's102', 'prod'] as const;
export type StageName = (typeof STAGES)[number];
