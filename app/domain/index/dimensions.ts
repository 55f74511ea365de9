/**
 * The six dimensions of 六和, in their published order: their own module, so that the pages'
 * browser code can name them without the method's schemas.
 */
export const DIMENSIONS = [
  "party",
  "social",
  "professional",
  "smart",
  "lawful",
  "cultural",
] as const;
export type DimensionId = (typeof DIMENSIONS)[number];
