// Renders every listing page from the JSON API. Listing data is untrusted: it only ever goes in via textContent/attributes.
(function () {
  'use strict';

  var app = document.getElementById('app');
  var kind = document.body.getAttribute('data-page');

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function formatPrice(value, currency, lang) {
    try {
      return new Intl.NumberFormat(lang || 'en', { style: 'currency', currency: currency }).format(value);
    } catch (e) {
      return value + ' ' + currency;
    }
  }

  function showError(message) {
    app.replaceChildren(el('h1', null, 'Not found'), el('p', { 'class': 'error' }, message));
  }

  function getJson(url) {
    return fetch(url, { headers: { 'Accept': 'application/json' } }).then(function (response) {
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      return response.json();
    });
  }

  function lastSegment() {
    var parts = location.pathname.split('/');
    return parts[parts.length - 1];
  }

  function renderItem(item) {
    document.title = item.title;
    document.documentElement.setAttribute('lang', item.language);

    var article = el('article', { itemscope: '', itemtype: 'https://schema.org/Product', lang: item.language, 'class': 'listing' });
    var crumbs = el('nav', { 'class': 'breadcrumbs' });
    crumbs.append(el('a', { href: '/' }, 'Home'), ' › ', el('a', { href: item.categoryUrl }, item.categoryName));
    article.append(crumbs);
    article.append(el('h1', { itemprop: 'name' }, item.title));

    var gallery = el('div', { 'class': 'gallery' });
    item.images.forEach(function (src, i) {
      gallery.append(el('img', { itemprop: 'image', src: src, alt: item.title + ' (' + (i + 1) + ')', width: '240', height: '180' }));
    });
    article.append(gallery);

    var offer = el('div', { itemprop: 'offers', itemscope: '', itemtype: 'https://schema.org/Offer', 'class': 'offer' });
    offer.append(el('span', { itemprop: 'price', content: item.priceValue, 'class': 'price' }, formatPrice(item.price, item.currency, item.language)));
    offer.append(el('meta', { itemprop: 'priceCurrency', content: item.currency }));
    article.append(offer);

    article.append(el('div', { itemprop: 'description', 'class': 'description' }, item.description));

    var meta = el('dl', { 'class': 'meta' });
    var seller = el('a', { 'class': 'seller', itemprop: 'seller', href: item.sellerUrl }, item.seller);
    var posted = el('time', { datetime: item.posted, 'class': 'posted' }, item.posted);
    [['Seller', seller], ['Location', el('span', { 'class': 'location' }, item.location)], ['Posted', posted]].forEach(function (row) {
      meta.append(el('dt', null, row[0]));
      var dd = el('dd');
      dd.append(row[1]);
      meta.append(dd);
    });
    article.append(meta);
    app.replaceChildren(article);

    var product = {
      '@context': 'https://schema.org',
      '@type': 'Product',
      name: item.title,
      description: item.description,
      image: item.images.map(function (src) { return new URL(src, location.href).href; }),
      url: new URL(item.url, location.href).href,
      offers: { '@type': 'Offer', price: item.priceValue, priceCurrency: item.currency, seller: { '@type': 'Person', name: item.seller } }
    };
    var ld = el('script', { type: 'application/ld+json' });
    ld.textContent = JSON.stringify(product);
    document.head.append(ld);
  }

  function renderList(data, heading) {
    var section = el('section', { 'class': 'results' });
    section.append(el('h1', null, heading));
    section.append(el('p', { 'class': 'count' }, data.total + ' listing(s)'));
    var list = el('ul', { 'class': 'cards' });
    data.items.forEach(function (item) {
      var li = el('li', { 'class': 'card' });
      var link = el('a', { href: item.url });
      link.append(el('img', { src: item.thumb, alt: '', width: '120', height: '90', loading: 'lazy' }));
      link.append(el('span', { 'class': 'title' }, item.title));
      li.append(link);
      li.append(el('span', { 'class': 'price' }, formatPrice(item.price, item.currency)));
      list.append(li);
    });
    section.append(list);

    if (data.pages && data.pages.length > 1) {
      var nav = el('nav', { 'class': 'pagination', 'aria-label': 'Pages' });
      data.pages.forEach(function (p) {
        var link = el('a', { href: p.url }, p.number);
        if (p.current) { link.setAttribute('aria-current', 'page'); }
        nav.append(link);
      });
      section.append(nav);
    }
    app.replaceChildren(section);
  }

  var params = new URLSearchParams(location.search);
  var page = params.get('page') || '1';
  var request;
  if (kind === 'item') {
    request = getJson('/api/items/' + encodeURIComponent(decodeURIComponent(lastSegment()))).then(renderItem);
  } else if (kind === 'category') {
    request = getJson('/api/category/' + encodeURIComponent(decodeURIComponent(lastSegment())) + '?page=' + encodeURIComponent(page))
      .then(function (data) { document.title = data.heading + ' – OpenStall'; renderList(data, data.heading); });
  } else if (kind === 'search') {
    var q = params.get('q') || '';
    request = getJson('/api/search?q=' + encodeURIComponent(q) + '&page=' + encodeURIComponent(page))
      .then(function (data) { document.title = data.heading; renderList(data, data.heading); });
  } else if (kind === 'seller') {
    request = getJson('/api/seller/' + encodeURIComponent(decodeURIComponent(lastSegment())))
      .then(function (data) { document.title = data.name + ' – OpenStall'; renderList(data, 'Listings by ' + data.name); });
  }
  if (request) {
    request.catch(function (e) { showError('Could not load this page (' + e.message + ').'); });
  }
})();
