/** Account field limits, shared by the schemas and the forms (no zod here: forms ship to browsers). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const DISPLAY_NAME_MAX = 40;
export const LOGIN_MAX = 64;
