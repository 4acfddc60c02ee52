export type Role = 'clerk' | 'supervisor' | 'policy' | 'admin';
