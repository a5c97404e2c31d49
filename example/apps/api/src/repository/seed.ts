import { money, type Product } from '@example/domain';

export const seedProducts: readonly Product[] = [
  { sku: 'KB-01', name: 'Mechanical keyboard', price: money(8900), stock: 25 },
  { sku: 'MS-02', name: 'Wireless mouse', price: money(2900), stock: 120 },
  { sku: 'MN-27', name: '27" monitor', price: money(24900), stock: 8 },
  { sku: 'CB-03', name: 'USB-C cable', price: money(899), stock: 500 },
  { sku: 'HS-04', name: 'Headset', price: money(5900), stock: 0 },
  { sku: 'DK-05', name: 'Docking station', price: money(15900), stock: 14 },
];
