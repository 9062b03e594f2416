import type { ReactNode } from 'react';
import { SignInCallbackPage } from './auth/sign-in-callback-page';
import { SignInPage } from './auth/sign-in-page';
import { CartPage } from './cart/cart-page';
import { CatalogPage } from './catalog/catalog-page';
import { ProductPage } from './catalog/product-page';
import { CheckoutPage } from './checkout/checkout-page';
import { ConsolePage } from './console/console-page';
import { MyOrdersPage } from './orders/my-orders-page';
import { OrderPage } from './orders/order-page';
import { Link } from './router/link';
import { matchPath } from './router/router';

const ROUTES: ReadonlyArray<{ pattern: string; render: (params: Record<string, string>) => ReactNode }> = [
  { pattern: '/', render: () => <CatalogPage /> },
  { pattern: '/products/:sku', render: ({ sku = '' }) => <ProductPage sku={sku} /> },
  { pattern: '/cart', render: () => <CartPage /> },
  { pattern: '/checkout', render: () => <CheckoutPage /> },
  { pattern: '/orders', render: () => <MyOrdersPage /> },
  { pattern: '/orders/:orderId', render: ({ orderId = '' }) => <OrderPage orderId={orderId} /> },
  { pattern: '/sign-in', render: () => <SignInPage /> },
  { pattern: '/sign-in/callback', render: () => <SignInCallbackPage /> },
  { pattern: '/admin', render: () => <ConsolePage /> },
  { pattern: '/admin/:section', render: () => <ConsolePage /> },
];

export function renderRoute(pathname: string): ReactNode {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, pathname);
    if (params) return route.render(params);
  }
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at {pathname}. <Link to="/">Go to the shop</Link>.
      </p>
    </section>
  );
}
